// The contract as JSON Schema (zod's own conversion), so a client in any language can be written against it:
// served at `GET /api/contract` and printed by `selfalign contract`.

import { z } from 'zod';
import { COMMAND_NAMES, commands } from './contract.js';
import { WorkbenchError, WorkbenchEvent } from './events.js';

export function contractJsonSchema() {
  const toSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return {
    title: 'Self-Align Workbench engine contract',
    transport: {
      invoke: 'POST /api/invoke with {"command", "params"} and Authorization: Bearer TOKEN; answers {"ok": true, "result"} or {"ok": false, "error"}',
      events: 'GET /api/events?token=TOKEN: server-sent events, one JSON WorkbenchEvent per message',
    },
    commands: Object.fromEntries(
      COMMAND_NAMES.map((name) => [name, { description: commands[name].description, params: toSchema(commands[name].params, 'input'), result: toSchema(commands[name].result, 'output') }]),
    ),
    events: toSchema(WorkbenchEvent, 'output'),
    error: toSchema(WorkbenchError, 'output'),
  };
}
