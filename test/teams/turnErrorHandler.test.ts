/**
 * What a person sees when their turn fails: a plain sentence with a reference in their language,
 * as a message, or as the answer to their card click (without one the adapter would answer 501).
 */
import assert from 'node:assert/strict';
import { type Activity, ConversationState, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import pino from 'pino';
import { DirectoryError } from '../../src/directory/directory';
import { turnErrorHandler } from '../../src/teams/turnErrorHandler';

function contextFor(activity: Partial<Activity>): { context: TurnContext; sent: Partial<Activity>[] } {
  const adapter = new TestAdapter();
  const context = new TurnContext(adapter, {
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:1/',
    from: { id: '29:adele', name: 'Adele' },
    recipient: { id: '28:bot', name: 'Bot' },
    conversation: { id: 'a:1', isGroup: false, name: '', conversationType: 'personal' },
    ...activity,
  } as Activity);
  const sent: Partial<Activity>[] = [];
  context.onSendActivities(async (_context, activities, next) => {
    sent.push(...activities);
    return next();
  });
  return { context, sent };
}

describe('turn error handler', () => {
  const handler = turnErrorHandler(pino({ level: 'silent' }), new ConversationState(new MemoryStorage()));

  it('tells the person in a message, with a reference they can quote', async () => {
    const { context, sent } = contextFor({ type: 'message', text: 'hola', locale: 'es-ES' });
    await handler(context, new Error('boom'));
    assert.equal(sent.length, 1);
    assert.match(sent[0].text ?? '', /^Perdona, algo ha fallado.*referencia [0-9a-f]{8}/s);
  });

  it('answers a failed card click in the click’s own response', async () => {
    const { context, sent } = contextFor({ type: 'invoke', name: 'adaptiveCard/action', locale: 'en-US' });
    await handler(context, new Error('boom'));
    assert.deepEqual(
      sent.map((activity) => activity.type),
      ['invokeResponse'],
    );
    const answer = sent[0] as { value: { status: number; body: { type: string; value: string } } } | undefined;
    assert.equal(answer?.value.status, 200);
    assert.equal(answer?.value.body.type, 'application/vnd.microsoft.activity.message');
    assert.match(answer?.value.body.value ?? '', /[0-9a-f]{8}/);
  });

  it('answers a failed message-extension invoke in a task module, and leaves the chat’s dialog as it was', async () => {
    const state = new ConversationState(new MemoryStorage());
    const dialogState = state.createProperty<{ dialogStack: unknown[] }>('dialogState');
    const inChat = contextFor({ type: 'message', text: 'request' }).context;
    await dialogState.set(inChat, { dialogStack: [{ id: 'requestAccessDialog' }] });
    await state.saveChanges(inChat);

    const { context, sent } = contextFor({ type: 'invoke', name: 'composeExtension/submitAction', locale: 'es-ES' });
    await turnErrorHandler(pino({ level: 'silent' }), state)(context, new Error('boom'));
    const answer = sent[0] as { value: { status: number; body: { task: { type: string; value: string } } } } | undefined;
    assert.equal(answer?.value.body.task.type, 'message');
    assert.match(answer?.value.body.task.value ?? '', /^Perdona, algo ha fallado.*referencia [0-9a-f]{8}/s);

    const later = contextFor({ type: 'message', text: 'kim@fabrikam.com' }).context;
    await state.load(later);
    assert.deepEqual((await dialogState.get(later))?.dialogStack, [{ id: 'requestAccessDialog' }]);
  });

  it('says the directory is unavailable when it is, so the person sends their answer again', async () => {
    const { context, sent } = contextFor({ type: 'message', text: 'kim@fabrikam.com', locale: 'en-US' });
    await handler(context, new DirectoryError('Graph is down', { status: 503, code: 'serviceUnavailable', transient: true }));
    assert.match(sent[0].text ?? '', /directory/i);
  });
});
