/**
 * A grid worker's registration form: register a resident in a grid with a
 * validated citizen ID, then read the record back as the form shows it.
 *   HUB_TOKEN=... npx node examples/registration-form.ts 623021200201001 <18-digit ID> 卓玛
 */
import { graphql } from './generated/gql.ts';
import { request, runAsScript } from './lib/client.ts';

export const RegisterResident = graphql(`
  mutation RegisterResident($input: PersonInput!) {
    registerPerson(input: $input) {
      id
      name
      gender
      birthDate
      age
      idNumber
      residency
      grid {
        code
        name
      }
      village {
        name
      }
      version
    }
  }
`);

export async function main(url: string, token: string, gridCode: string, idNumber: string, name: string) {
  const data = await request(url, token, RegisterResident, {
    input: { name, idNumber, ethnicity: '藏族', residency: 'REGISTERED', gridCode },
  });
  const p = data.registerPerson;
  return {
    id: p.id,
    summary: `${p.name}, ${p.gender === 'FEMALE' ? '女' : '男'}, ${p.age} 岁, ${p.village.name} ${p.grid.name}`,
    idNumber: p.idNumber,
    version: p.version,
  };
}

runAsScript(import.meta.url, (url, token) => main(url, token, process.argv[2]!, process.argv[3]!, process.argv[4] ?? '卓玛'));
