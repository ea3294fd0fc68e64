import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { csvRecords, decodeText, MAX_RECORD_CHARS, ndjsonRecords, TabularError, wholeFileEncoding, type SourceRecord } from '../platform/tabular.ts';

/** The file readers on their own: how a CSV or NDJSON text becomes records, and what they refuse. */
async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const p of parts) yield p;
}
async function all(records: AsyncGenerator<SourceRecord[]>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const batch of records) out.push(...batch);
  return out;
}
const KNOWN = ['id_number', 'name', 'phone'];

describe('CSV', () => {
  it('refuses a header that names one column twice, by label or by key, saying which', async () => {
    const labels = new Map([['姓名', 'name']]);
    for (const header of ['id_number,name,name', 'id_number,姓名,name']) {
      const e = await all(csvRecords(chunks(`${header}\n1,甲,乙\n`), KNOWN, labels)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TabularError);
      expect((e as TabularError).said.zh).toMatch(/同一列 name/);
      expect((e as TabularError).said.en).toMatch(/columns 2 and 3/);
    }
  });

  it('rejects a record longer than MAX_RECORD_CHARS without keeping it, reads on after it, and quotes no megabytes back', async () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS);
    const rows = await all(csvRecords(chunks('id_number,name\n1,甲\n2,"', long.slice(0, 60_000), long.slice(60_000), '"\n3,乙\n4,', long, '\n'), KNOWN));
    expect(rows.map((r) => [r.line, r.error ? 'error' : r.fields.name])).toEqual([
      [2, '甲'],
      [3, 'error'],
      [4, '乙'],
      [5, 'error'],
    ]);
    expect(rows[1]!.error!.reason.zh).toMatch(/超过 100000 个字符/);
    // Exactly: a record just over the cap that ends inside a chunk, and one whose next chunk starts with a quote in the
    // middle of its unquoted field (not the start of a quoted one, which would swallow the rows after it).
    const over = await all(csvRecords(chunks('id_number,name\n1,', long.slice(0, 60_000), `${long.slice(0, 40_000)}\n2,甲\n`), KNOWN));
    expect(over.map((r) => [r.line, r.error ? 'error' : r.fields.name])).toEqual([
      [2, 'error'],
      [3, '甲'],
    ]);
    const quoteInside = await all(csvRecords(chunks('id_number,name\n1,', long, 'x', '"y\n2,甲\n3,乙\n'), KNOWN));
    expect(quoteInside.map((r) => [r.line, r.error ? 'error' : r.fields.name])).toEqual([
      [2, 'error'],
      [3, '甲'],
      [4, '乙'],
    ]);
    // A quote never closed reads on to the end of the file, which then says so.
    const open = await all(csvRecords(chunks('id_number,name\n1,"', long, long, '\n2,乙\n'), KNOWN)).catch((x: unknown) => x);
    expect((open as TabularError).said.zh).toMatch(/第 2 行开始的带引号字段没有闭合/);
    const header = await all(csvRecords(chunks(`id_number,${'y'.repeat(5000)}\n`), KNOWN)).catch((x: unknown) => x);
    expect((header as TabularError).said.zh.length).toBeLessThan(200);
  });

  it('refuses JSON sent as CSV, saying how to send NDJSON, rather than as a header of unknown columns', async () => {
    for (const text of ['{"id_number":"1","name":"甲"}\n', '[{"name":"甲"}]\n']) {
      const e = await all(csvRecords(chunks(text), KNOWN)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TabularError);
      expect((e as TabularError).said.en).toMatch(/looks like JSON.*format=ndjson/);
    }
  });

  it('says a tab- or semicolon-separated sheet is not comma-separated, and lists the columns by their Chinese headers too', async () => {
    for (const [text, zh] of [
      ['身份证号\t姓名\n1\t甲\n', /以制表符分隔.*另存为“CSV UTF-8（逗号分隔）”/],
      ['id_number;name\n1;甲\n', /以分号分隔/],
    ] as const) {
      const e = await all(csvRecords(chunks(text), KNOWN, new Map([['姓名', 'name']]))).catch((x: unknown) => x);
      expect((e as TabularError).said.zh, JSON.stringify(text)).toMatch(zh);
    }
    const e = await all(csvRecords(chunks('身份证号码,姓名\n1,甲\n'), KNOWN, new Map([['姓名', 'name']]))).catch((x: unknown) => x);
    expect((e as TabularError).said.zh).toMatch(/^未知的列：身份证号码；此类数据可用的列为 .*姓名（name）/);
  });

  it('reads a file of blank lines as empty, and a header after blank lines as the header', async () => {
    for (const text of ['\n', '\r\n\n', ' , \n']) {
      const e = await all(csvRecords(chunks(text), KNOWN)).catch((x: unknown) => x);
      expect((e as TabularError).said?.en, JSON.stringify(text)).toMatch(/empty/);
    }
    expect(await all(csvRecords(chunks('\nname\n甲\n'), KNOWN))).toEqual([{ line: 3, fields: { name: '甲' } }]);
  });

  it('reads a cell of only spaces or only a leading apostrophe as empty, and a row of such cells as a blank line', async () => {
    const rows = await all(csvRecords(chunks(`id_number,name,phone\n  ,甲,'\n\u3000,'  ,\n ,\t, \n'623021195704083759,乙,' 13800000000\n`), KNOWN));
    expect(rows).toEqual([
      { line: 2, fields: { id_number: null, name: '甲', phone: null } },
      { line: 5, fields: { id_number: "'623021195704083759", name: '乙', phone: "' 13800000000" } },
    ]);
  });

  it('reads a header with every column once', async () => {
    const rows = await all(csvRecords(chunks('id_number,姓名\n', '11,甲\n'), KNOWN, new Map([['姓名', 'name']])));
    expect(rows).toEqual([{ line: 2, fields: { id_number: '11', name: '甲' } }]);
  });
});

describe('encodings', () => {
  async function* bytes(b: Buffer): AsyncGenerator<Buffer> {
    yield b;
  }
  const decoded = async (b: Buffer): Promise<string | TabularError> => {
    try {
      let out = '';
      for await (const t of decodeText(bytes(b))) out += t;
      return out;
    } catch (e) {
      if (e instanceof TabularError) return e;
      throw e;
    }
  };
  const CSV = 'name,id_number\n张三,623021198001010011\n';

  it('refuses a gzip-compressed file and a UTF-16 one (a spreadsheet’s “Unicode text”), saying what to send instead', async () => {
    expect(((await decoded(gzipSync(CSV))) as TabularError).said.en).toMatch(/gzip-compressed.*send the file uncompressed/);
    const utf16le = Buffer.from(CSV, 'utf16le');
    for (const b of [Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]), utf16le, Buffer.concat([Buffer.from([0xfe, 0xff]), utf16le.swap16()])])
      expect(((await decoded(b)) as TabularError).said.zh).toMatch(/UTF-16.*另存为“CSV UTF-8（逗号分隔）”/);
  });

  it('still reads UTF-8 and GB18030, and leaves a stray NUL in the text to the field’s own rule', async () => {
    expect(await decoded(Buffer.from(CSV))).toBe(CSV);
    expect(await decoded(Buffer.from(`${CSV}李\u0000四,\n`))).toBe(`${CSV}李\u0000四,\n`);
    // 张三 in GB18030 (GBK's two bytes a character).
    expect(await decoded(Buffer.concat([Buffer.from('name\n'), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from('\n')]))).toBe('name\n张三\n');
  });

  it('says a file that is neither UTF-8 nor GB18030 is neither, not that it is bad GB18030', async () => {
    const broken = (await decoded(Buffer.concat([Buffer.from(CSV), Buffer.from([0xff]), Buffer.from('\n')]))) as TabularError;
    expect(broken.said.en).toMatch(/^The file is neither valid UTF-8 nor valid GB18030 text/);
    expect(broken.said.zh).toMatch(/既不是有效的 UTF-8 文本，也不是有效的 GB18030 文本/);
    expect(broken.extra).toEqual({ line: 3 });
  });

  /** A county export: over 64 kB of rows in ASCII, then one row whose use (自住) was edited and saved as GB18030, CRLF. */
  const ASCII_ROWS = 2_400;
  const exported = Buffer.concat([
    Buffer.from(`grid_code,number,use,area\r\n${Array.from({ length: ASCII_ROWS }, (_, i) => `623022100001001,GB-${i},SELF_OCCUPIED,80\r\n`).join('')}`),
    Buffer.from('623022100001001,GB-last,'),
    Buffer.from([0xd7, 0xd4, 0xd7, 0xa1]), // 自住
    Buffer.from(',80\r\n'),
  ]);
  const lastLine = ASCII_ROWS + 2;
  /** The bytes in pieces of `size`, as a request body arrives. */
  async function* pieces(b: Buffer, size: number): AsyncGenerator<Buffer> {
    for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
  }

  it('names the line of a byte it cannot read past the first 64 kB, and how to declare GB18030', async () => {
    expect(exported.subarray(0, 64 * 1024).every((b) => b < 0x80)).toBe(true);
    // Wherever the pieces are cut (a character of several bytes split across two of them, too).
    for (const size of [65_536, 1_000, 7]) {
      const e = await (async () => {
        for await (const _ of decodeText(pieces(exported, size)));
      })().catch((x: unknown) => x);
      expect(e, String(size)).toBeInstanceOf(TabularError);
      const said = (e as TabularError).said;
      expect(said.zh).toMatch(new RegExp(`^文件第 ${lastLine} 行不是有效的 UTF-8 文本`));
      expect(said.zh).toContain('?encoding=gb18030');
      expect(said.zh).toContain('--encoding gb18030');
      expect(said.en).toMatch(new RegExp(`^Line ${lastLine} of the file is not valid UTF-8 text.*\\?encoding=gb18030.*--encoding gb18030`));
      expect((e as TabularError).extra).toEqual({ line: lastLine });
    }
    // UTF-8 split across pieces before the bad byte, and a character the file leaves unfinished: the line each is on.
    const split = Buffer.concat([Buffer.from('name\n张三\n李'), Buffer.from([0xff]), Buffer.from('\n')]);
    const cut = Buffer.concat([Buffer.from('name\n张三\n'), Buffer.from('李').subarray(0, 2)]);
    for (const [b, line] of [
      [split, 3],
      [cut, 3],
    ] as const) {
      const e = await (async () => {
        for await (const _ of decodeText(pieces(b, 2), 'utf-8'));
      })().catch((x: unknown) => x);
      expect((e as TabularError).extra).toEqual({ line });
      expect((e as TabularError).said.zh).toBe(`文件不是有效的 UTF-8 文本（第 ${line} 行）；请声明其编码（utf-8 或 gb18030）。`);
    }
    // Declared, the same file reads whole.
    let text = '';
    for await (const t of decodeText(pieces(exported, 65_536), 'gb18030')) text += t;
    expect(text.endsWith('623022100001001,GB-last,自住,80\r\n')).toBe(true);
  });

  it('tells the encoding of a whole file for the import command: UTF-8, else GB18030, else neither', async () => {
    expect(await wholeFileEncoding(pieces(exported, 1_000))).toBe('gb18030');
    expect(await wholeFileEncoding(pieces(Buffer.from(CSV), 3))).toBe('utf-8');
    expect(await wholeFileEncoding(pieces(Buffer.from('name\n'), 3))).toBe('utf-8');
    expect(await wholeFileEncoding(pieces(Buffer.concat([Buffer.from(CSV), Buffer.from([0xff, 0x0a])]), 5))).toBeUndefined();
  });
});

describe('NDJSON', () => {
  it('refuses an ID number written as a JSON number, which JSON.parse has rounded, and takes it as a string', async () => {
    const rows = await all(
      ndjsonRecords(chunks('{"id_number":623021198001011139,"name":"数字"}\n{"id_number":"623021198001011139","phone":13800138000}\n'), KNOWN),
    );
    expect(rows[0]).toMatchObject({ line: 1, error: { field: 'id_number' } });
    expect(rows[0]!.error!.reason.zh).toMatch(/写成字符串/);
    // A phone of 11 digits is exact as a number.
    expect(rows[1]).toEqual({ line: 2, fields: { id_number: '623021198001011139', phone: '13800138000' } });
  });

  it('takes a JSON boolean only in a field that takes true or false; elsewhere it is refused, not stored as the text "true"', async () => {
    const rows = await all(
      ndjsonRecords(chunks('{"name":true}\n{"name":"甲","phone":false}\n{"name":"乙","phone":true}\n'), KNOWN, undefined, new Set(['phone'])),
    );
    expect(rows[0]).toMatchObject({ line: 1, error: { field: 'name' } });
    expect(rows[0]!.error!.reason.en).toBe('has name as a JSON boolean (true); the field takes a string or number');
    expect(rows.slice(1)).toEqual([
      { line: 2, fields: { name: '甲', phone: 'false' } },
      { line: 3, fields: { name: '乙', phone: 'true' } },
    ]);
  });

  it('refuses a JSON array whole: NDJSON is one object per line', async () => {
    const e = await all(ndjsonRecords(chunks('[\n  {"name":"甲"},\n  {"name":"乙"}\n]\n'), KNOWN)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TabularError);
    expect((e as TabularError).said.en).toMatch(/JSON array is not NDJSON/);
  });

  it('refuses a line longer than MAX_RECORD_CHARS as it arrives, in any number of chunks, and reads on after it', async () => {
    const long = `{"name":"${'x'.repeat(MAX_RECORD_CHARS)}"}`;
    const parts = [
      '{"name":"甲"}\n',
      ...Array.from({ length: 40 }, (_, i) => long.slice((i * long.length) / 40, ((i + 1) * long.length) / 40)),
      '\n{"name":"乙"}\n',
      long,
    ];
    const rows = await all(ndjsonRecords(chunks(...parts), KNOWN));
    expect(rows.map((r) => [r.line, r.error ? 'error' : r.fields.name])).toEqual([
      [1, '甲'],
      [2, 'error'],
      [3, '乙'],
      [4, 'error'],
    ]);
    expect(rows[1]!.error!.reason.zh).toMatch(/超过 100000 个字符/);
  });

  it('names an unknown field before looking for repeats, and quotes a long name back cut short', async () => {
    const name = 'n'.repeat(40_000);
    const rows = await all(ndjsonRecords(chunks(`{"${name}":1,"${name}":2}\n`), KNOWN));
    expect(rows[0]!.error!.field).toBe(`${'n'.repeat(40)}…`);
    expect(rows[0]!.error!.reason.zh.length).toBeLessThan(200);
  });

  it('refuses a line that gives a field twice, which JSON.parse would read as its last value, in any case and spacing', async () => {
    const rows = await all(
      ndjsonRecords(
        chunks('{"name":"甲","name":"乙"}\n{"Name" :"甲", "phone":"1", "name":"乙"}\n{"name":"a\\"b\\\\","phone":"{\\"name\\":1}","id_number":"1"}\n'),
        KNOWN,
      ),
    );
    expect(rows.map((r) => r.error?.field ?? null)).toEqual(['name', 'name', null]);
    expect(rows[0]!.error!.reason.zh).toMatch(/不止一次/);
    expect(rows[2]!.fields).toEqual({ name: 'a"b\\', phone: '{"name":1}', id_number: '1' });
  });

  it('refuses an object, or a list where one value belongs, and takes a list of tags as A;B', async () => {
    const rows = await all(
      ndjsonRecords(chunks('{"name":{"a":1}}\n{"name":["张","三"]}\n{"tags":["LEFT_BEHIND_ELDERLY","EXTREME_POVERTY"]}\n'), ['name', 'tags']),
    );
    expect(rows.map((r) => r.error?.field ?? null)).toEqual(['name', 'name', null]);
    expect(rows[0]!.error!.reason.zh).toMatch(/JSON 对象/);
    expect(rows[2]!.fields).toEqual({ tags: 'LEFT_BEHIND_ELDERLY;EXTREME_POVERTY' });
  });
});
