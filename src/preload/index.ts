// The bridge between the sandboxed window and the main process: it exposes exactly one object,
// `window.workbench`, that implements the contract's client over one IPC channel. The renderer never sees
// ipcRenderer; a refusal from the engine becomes a rejected promise with a readable message.

import { contextBridge, ipcRenderer } from 'electron';
import {
  WORKBENCH_CHANNEL,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type WorkbenchClient,
  type WorkbenchReply,
} from '../shared/contract.js';

async function invoke<C extends CommandName>(command: C, params: CommandParams<C> | undefined): Promise<CommandResult<C>> {
  // The main process has parsed the reply against the command's result schema before it gets here.
  const reply = (await ipcRenderer.invoke(WORKBENCH_CHANNEL, { command, params: params ?? {} })) as WorkbenchReply;
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.result as CommandResult<C>;
}

const client: WorkbenchClient = {
  app: {
    info: (params) => invoke('app.info', params),
  },
  probes: {
    listSets: (params) => invoke('probes.listSets', params),
  },
};

contextBridge.exposeInMainWorld('workbench', client);
