import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppContext } from '../app.js';
import { field } from '../forms.js';
import { findById, notFound, parseId } from './ids.js';

/** The messages the cookbook's riddles site answers with. */
export const MESSAGES = {
  noRiddles: 'No riddles are available right now.',
  correct: 'Nice! Choose another one!',
  wrong: 'Wrong Answer!',
  missingOption: 'Option does not exist',
} as const;

/** `/riddles/`: the latest riddles, one riddle with its options, and the answer form's target. */
export function publicRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const renderIndex = async (reply: FastifyReply, message?: string) => {
      const latest = await ctx.repo.latestRiddles(ctx.now(), 5);
      return reply.render('riddles/index.njk', {
        latest_riddles: latest,
        message,
        empty_message: MESSAGES.noRiddles,
      });
    };

    app.get('/', async (_request, reply) => renderIndex(reply));

    /** A riddle visitors may see: one whose publication date has come. */
    const publishedRiddle = async (id: number) => {
      const riddle = await ctx.repo.riddle(id);
      return riddle !== undefined && riddle.pubDate <= ctx.now() ? riddle : undefined;
    };

    app.get<{ Params: { id: string } }>('/:id/', async (request, reply) => {
      const riddle = await findById(request.params.id, publishedRiddle);
      if (riddle === undefined) return notFound(reply, request.url);
      return reply.render('riddles/detail.njk', { riddle });
    });

    app.post<{ Params: { id: string } }>('/:id/answer/', async (request, reply) => {
      const riddle = await findById(request.params.id, publishedRiddle);
      if (riddle === undefined) return notFound(reply, request.url);
      const optionId = parseId(field(request.body, 'option'));
      const option = optionId === undefined ? undefined : riddle.options.find((o) => o.id === optionId);
      if (option === undefined) {
        return reply.render('riddles/detail.njk', { riddle, error_message: MESSAGES.missingOption }, 400);
      }
      if (option.correct) return renderIndex(reply, MESSAGES.correct);
      return reply.render('riddles/detail.njk', { riddle, error_message: MESSAGES.wrong });
    });
  };
}
