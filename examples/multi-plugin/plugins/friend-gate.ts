import { definePlugin } from '@wxbot/core';
import { z } from 'zod';

/** Accepts friend requests whose verification text contains a pass phrase, and greets the new friend. */
export default definePlugin({
  name: 'friend-gate',
  options: z.object({ passPhrase: z.string().min(1), welcome: z.string().default('Nice to meet you!') }),
  setup(ctx, { passPhrase, welcome }) {
    ctx.on('friend:request', async (r, next) => {
      if (r.request.verifyText.includes(passPhrase)) {
        await r.accept();
        await ctx.send(r.request.userName, welcome);
      } else {
        ctx.logger.info(`ignored a friend request from ${r.request.nickName}`);
      }
      await next();
    });
  },
});
