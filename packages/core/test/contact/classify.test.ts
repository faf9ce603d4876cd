import { classifyContact, isRoomUserName } from '../../src/contact/classify.js';

const SELF = '@self0000000000000000000000000000';

describe('classifyContact', () => {
  it('recognises self, rooms, special and official accounts', () => {
    expect(classifyContact({ UserName: SELF, ContactFlag: 0 }, SELF)).toBe('self');
    expect(classifyContact({ UserName: '@@4f1e', ContactFlag: 2 }, SELF)).toBe('room');
    expect(classifyContact({ UserName: 'filehelper', ContactFlag: 1 }, SELF)).toBe('special');
    for (const flag of [8, 24, 56]) {
      expect(classifyContact({ UserName: '@a1', VerifyFlag: flag, ContactFlag: 3 }, SELF)).toBe('official');
    }
  });

  it('tells friends (ContactFlag bit 1) from strangers', () => {
    expect(classifyContact({ UserName: '@b2', VerifyFlag: 0, ContactFlag: 3 }, SELF)).toBe('friend');
    expect(classifyContact({ UserName: '@b2', VerifyFlag: 0, ContactFlag: 0 }, SELF)).toBe('stranger');
    expect(classifyContact({ UserName: '@b2' }, SELF)).toBe('stranger');
  });

  it('treats both session (@@) and stable (@chatroom) room ids as rooms', () => {
    expect(isRoomUserName('@@abc')).toBe(true);
    expect(isRoomUserName('12345@chatroom')).toBe(true);
    expect(isRoomUserName('@abc')).toBe(false);
  });
});
