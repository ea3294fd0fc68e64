/**
 * Text as a Chinese input method types it, made ASCII: full-width digits, letters and signs (U+FF01–U+FF5E:
 * ６２３０２１…Ｘ, ＋８６, －) are the characters they stand for, so an ID number, a phone or a case number typed so
 * reads the same.
 */
export const halfWidth = (s: string): string => s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
