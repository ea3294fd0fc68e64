/** How dense demo data is: 1 = the seeds' real scale; a province-scale load uses less. */
export interface DemoOptions {
  /** People, places, groups and patrol frequency relative to 临潭县 (1 = real scale). */
  scale?: number;
  /** Disputes per village per year (临潭县: 400 / 147 ≈ 2.7). */
  disputesPerVillage?: number;
}
