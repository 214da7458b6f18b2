// The contract as JSON Schema (zod's own conversion), so a client in any language can be written against it:
// served at `GET /api/contract` and printed by `selfalign contract`.

import { z } from 'zod';
import { COMMAND_NAMES, commands } from './contract.js';
import { WorkbenchError, WorkbenchEvent } from './events.js';
import { RunConfigSchema } from './method.js';
import { RunConfigInput } from './schemas.js';

export function contractJsonSchema() {
  // A run configuration is parsed loosely (runs.validate names every problem itself) but described in full.
  const runConfig = z.toJSONSchema(RunConfigSchema, { io: 'input', unrepresentable: 'any' });
  delete runConfig.$schema;
  const toSchema = (schema: z.ZodType, io: 'input' | 'output') =>
    z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      override: (ctx) => {
        if (ctx.zodSchema !== RunConfigInput) return;
        for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
        Object.assign(ctx.jsonSchema, runConfig);
      },
    });
  return {
    title: 'Self-Align Workbench engine contract',
    transport: {
      invoke:
        'POST /api/invoke with {"command", "params"} and Authorization: Bearer TOKEN; answers {"ok": true, "result"} or {"ok": false, "error"}',
      events: 'GET /api/events?token=TOKEN: server-sent events, one JSON WorkbenchEvent per message',
    },
    commands: Object.fromEntries(
      COMMAND_NAMES.map((name) => [
        name,
        {
          description: commands[name].description,
          params: toSchema(commands[name].params, 'input'),
          result: toSchema(commands[name].result, 'output'),
        },
      ]),
    ),
    events: toSchema(WorkbenchEvent, 'output'),
    error: toSchema(WorkbenchError, 'output'),
  };
}
