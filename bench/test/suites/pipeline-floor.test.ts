import type { RawMessage } from '@wxbot/core';

import { runPipelineFloor } from '../../src/suites/pipeline-floor.js';

function raw(from: string, content: string, msgType = 1): RawMessage {
  return {
    MsgId: '1',
    NewMsgId: '1',
    FromUserName: from,
    ToUserName: '@self',
    MsgType: msgType,
    Content: content,
    CreateTime: 1_767_225_600,
  };
}

const smoke = { smoke: true };

describe('the pipeline floor', () => {
  it('answers what the bench plugins answer: commands, keywords, private echo, ping, room kick', async () => {
    const pool = [
      raw('@alice', '/help'),
      raw('@alice', 'ping 3'),
      raw('@alice', 'echo hi'),
      raw('@alice', '你好'),
      raw('@@room', '@bob:<br/>/kick @carol'),
    ];
    const row = await runPipelineFloor(pool, new Map([['@alice', 'Alice']]), smoke);
    expect(row.messages).toBeGreaterThan(0);
    expect(row.repliesPerMessage).toBe(1);
  });

  it('leaves alone what they leave alone: plain text, echo in a room, kick in private, other kinds', async () => {
    const pool = [
      raw('@alice', 'hello there, message number 1'),
      raw('@@room', '@bob:<br/>echo hi'),
      raw('@alice', '/kick @carol'),
      raw('@alice', '<msg>ping 4</msg>', 49),
    ];
    const row = await runPipelineFloor(pool, new Map(), smoke);
    expect(row.repliesPerMessage).toBe(0);
    expect(row.usPerMessage).toBeGreaterThan(0);
  });
});
