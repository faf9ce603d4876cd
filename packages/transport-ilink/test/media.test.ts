import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';
import type { Message } from '@wxbot/core';

import type { IlinkTransport } from '../src/index.js';
import { fixture, until, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ALICE = 'alice@im.wechat';

async function receiving(): Promise<{ t: IlinkTransport; got: Message[] }> {
  fx = await fixture();
  const t = fx.transport();
  const got: Message[] = [];
  t.setHandler((m) => {
    got.push(m.message);
    return Promise.resolve();
  });
  await t.start();
  return { t, got };
}

describe('iLink media', () => {
  it('decrypts received images, voice, files and video', async () => {
    const { t, got } = await receiving();
    const image = Buffer.from('\x89PNG fake image bytes that are not block aligned');
    const voice = Buffer.alloc(4096, 3);
    const file = Buffer.from('a,b\n1,2\n');
    const video = Buffer.alloc(33, 9);
    fx!.sim.say(ALICE, { image });
    fx!.sim.say(ALICE, { voice: { data: voice, transcript: 'turn on the light', playtimeMs: 2300 } });
    fx!.sim.say(ALICE, { file: { name: 'Report.CSV', data: file } });
    fx!.sim.say(ALICE, { video });
    await until(() => got.length === 4, 5_000, 'four media messages');
    const [img, vo, fi, vi] = got;
    expect(got.map((m) => m.kind)).toEqual(['image', 'voice', 'file', 'video']);
    expect((await t.downloadBytes(img!)).equals(image)).toBe(true);
    expect((await t.downloadBytes(vo!)).equals(voice)).toBe(true);
    expect((await t.downloadBytes(fi!)).equals(file)).toBe(true);
    expect((await t.downloadBytes(vi!)).equals(video)).toBe(true);
    // The transcript is the voice's text; the file keeps its name, size and extension.
    expect(vo).toMatchObject({ kind: 'voice', text: 'turn on the light', durationMs: 2300 });
    expect(fi).toMatchObject({ kind: 'file', fileName: 'Report.CSV', extension: 'csv', sizeBytes: file.length });
  });

  it('downloads into a directory without overwriting', async () => {
    const { t, got } = await receiving();
    const dir = await mkdtemp(join(tmpdir(), 'wxbot-ilink-dl-'));
    try {
      fx!.sim.say(ALICE, { file: { name: 'a.txt', data: Buffer.from('one') } });
      await until(() => got.length === 1);
      const first = await t.download(got[0]!, { dir });
      const second = await t.download(got[0]!, { dir });
      expect(first.path).toBe(join(dir, 'a.txt'));
      expect(second.path).toBe(join(dir, 'a (1).txt'));
      expect(await readFile(second.path!, 'utf8')).toBe('one');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uploads encrypted media the server can decrypt, and sends it with the context token', async () => {
    const { t } = await receiving();
    const { contextToken } = fx!.sim.say(ALICE, 'send me things');
    await until(() => t.contacts.contact(ALICE) !== undefined);
    const png = Buffer.alloc(1000, 1);
    const pdf = Buffer.from('%PDF-1.4 tiny');
    await t.sendImage(ALICE, png);
    await t.sendFile(ALICE, pdf, 'tiny.pdf');
    await t.sendVideo(ALICE, Buffer.alloc(16, 2));
    const sent = fx!.sim.sent();
    expect(sent.map((s) => s.items[0]?.type)).toEqual([2, 4, 5]);
    expect(sent[0]?.items[0]?.data?.equals(png)).toBe(true);
    expect(sent[1]?.items[0]).toMatchObject({ fileName: 'tiny.pdf' });
    expect(sent[1]?.items[0]?.data?.equals(pdf)).toBe(true);
    expect(sent[2]?.items[0]?.data?.equals(Buffer.alloc(16, 2))).toBe(true);
    expect(sent.every((s) => s.contextToken === contextToken)).toBe(true);
  });

  it('reads a quote (ref_msg) as a quote message', async () => {
    const { got } = await receiving();
    fx!.sim.say(ALICE, { text: 'what about this?', quote: { text: 'the original', messageId: '42' } });
    await until(() => got.length === 1);
    expect(got[0]).toMatchObject({
      kind: 'quote',
      text: 'what about this?',
      quoted: { id: '42', text: 'the original' },
    });
  });
});
