import { definePlugin } from '@wxbot/core';

/** First in the pipeline: logs every message and passes it on. */
export default definePlugin({
  name: 'log-all',
  setup(ctx) {
    ctx.use(async (m, next) => {
      if (m.type === 'message')
        ctx.logger.debug({ chat: m.chat.name, from: m.sender.name, kind: m.message.kind }, m.text);
      else ctx.logger.debug(`event ${m.type}`);
      await next();
    });
  },
});
