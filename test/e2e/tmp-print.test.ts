import { it } from 'vitest';
import { chatInput } from '../fakes/discord/interactions.js';
import { callbackOf, startDiscordBot } from './discord-harness.js';
it('prints', async () => {
  const bot = await startDiscordBot();
  const { id } = bot.fake.interact(chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }, { name: 'type', type: 3, value: 'week' }, { name: 'date', type: 3, value: '2026-11-18' }] }));
  console.log(JSON.stringify((await callbackOf(bot.fake, id)).body, null, 1));
  const b = bot.fake.interact(chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'USA' }] }));
  console.log(JSON.stringify((await callbackOf(bot.fake, b.id)).body, null, 1));
  await bot.close();
});
