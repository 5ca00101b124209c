/**
 * DIMSE command sets (PS3.7 section 9.3, annex E): group 0000 elements,
 * always implicit VR little endian whatever the context's transfer syntax,
 * led by the command group length (0000,0000).
 */

export const CommandField = {
  cStoreRq: 0x0001,
  cStoreRsp: 0x8001,
  cEchoRq: 0x0030,
  cEchoRsp: 0x8030,
} as const;

/** (0000,0800): this value says no dataset follows; any other value says one does. */
export const noDataset = 0x0101;

export const Status = {
  success: 0x0000,
  /** PS3.7 C.4.2: refused, out of resources (here: the dataset is over the size cap, or the store failed). */
  outOfResources: 0xa700,
  /** Dataset does not match SOP class (here: its SOP class or instance differs from the command's, or a needed identifier is missing). */
  datasetMismatch: 0xa900,
  /** Cannot understand (the dataset could not be parsed). */
  cannotUnderstand: 0xc000,
  /** SOP class not supported / not the one the context was negotiated for. */
  sopClassNotSupported: 0x0122,
  /** A DIMSE operation the listener does not offer. */
  unrecognisedOperation: 0x0211,
} as const;

export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** The elements the listener reads or writes; anything else in a command is ignored. */
export interface Command {
  affectedSopClassUid?: string;
  commandField: number;
  messageId?: number;
  messageIdBeingRespondedTo?: number;
  priority?: number;
  dataSetType: number;
  status?: number;
  errorComment?: string;
  affectedSopInstanceUid?: string;
}

const tags = {
  groupLength: 0x0000,
  affectedSopClassUid: 0x0002,
  commandField: 0x0100,
  messageId: 0x0110,
  messageIdBeingRespondedTo: 0x0120,
  priority: 0x0700,
  dataSetType: 0x0800,
  status: 0x0900,
  errorComment: 0x0902,
  affectedSopInstanceUid: 0x1000,
} as const;

const uiText = (bytes: Buffer): string => bytes.toString('latin1').replace(/[\0 ]+$/, '');

export function decodeCommand(bytes: Buffer): Command {
  const found = new Map<number, Buffer>();
  let at = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new CommandError('truncated command element');
    const group = bytes.readUInt16LE(at);
    const element = bytes.readUInt16LE(at + 2);
    const length = bytes.readUInt32LE(at + 4);
    if (group !== 0x0000) throw new CommandError(`command element outside group 0000 (${group.toString(16).padStart(4, '0')})`);
    if (at + 8 + length > bytes.length) throw new CommandError('command element runs past the command');
    found.set(element, bytes.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  const us = (element: number): number | undefined => {
    const value = found.get(element);
    if (value === undefined) return undefined;
    if (value.length !== 2) throw new CommandError(`command element (0000,${element.toString(16).padStart(4, '0')}) is not a US`);
    return value.readUInt16LE(0);
  };
  const ui = (element: number): string | undefined => {
    const value = found.get(element);
    return value === undefined ? undefined : uiText(value);
  };
  const commandField = us(tags.commandField);
  const dataSetType = us(tags.dataSetType);
  if (commandField === undefined || dataSetType === undefined) throw new CommandError('command without a command field or dataset type');
  const command: Command = { commandField, dataSetType };
  const assign = <K extends keyof Command>(key: K, value: Command[K] | undefined): void => {
    if (value !== undefined) command[key] = value;
  };
  assign('affectedSopClassUid', ui(tags.affectedSopClassUid));
  assign('messageId', us(tags.messageId));
  assign('messageIdBeingRespondedTo', us(tags.messageIdBeingRespondedTo));
  assign('priority', us(tags.priority));
  assign('status', us(tags.status));
  assign('errorComment', ui(tags.errorComment));
  assign('affectedSopInstanceUid', ui(tags.affectedSopInstanceUid));
  return command;
}

function element(tag: number, value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0x0000, 0);
  header.writeUInt16LE(tag, 2);
  header.writeUInt32LE(value.length, 4);
  return Buffer.concat([header, value]);
}

const usValue = (n: number): Buffer => {
  const value = Buffer.alloc(2);
  value.writeUInt16LE(n, 0);
  return value;
};
/** UI pads to even length with NUL; LO (error comment) with a space; LO holds at most 64 characters. */
const padded = (text: string, pad: string): Buffer => Buffer.from(text.length % 2 === 0 ? text : text + pad, 'latin1');

/** Encodes a command, elements in tag order, with its group length first. */
export function encodeCommand(command: Command): Buffer {
  const parts: Buffer[] = [];
  if (command.affectedSopClassUid !== undefined) parts.push(element(tags.affectedSopClassUid, padded(command.affectedSopClassUid, '\0')));
  parts.push(element(tags.commandField, usValue(command.commandField)));
  if (command.messageId !== undefined) parts.push(element(tags.messageId, usValue(command.messageId)));
  if (command.messageIdBeingRespondedTo !== undefined) parts.push(element(tags.messageIdBeingRespondedTo, usValue(command.messageIdBeingRespondedTo)));
  if (command.priority !== undefined) parts.push(element(tags.priority, usValue(command.priority)));
  parts.push(element(tags.dataSetType, usValue(command.dataSetType)));
  if (command.status !== undefined) parts.push(element(tags.status, usValue(command.status)));
  if (command.errorComment !== undefined) parts.push(element(tags.errorComment, padded(command.errorComment.slice(0, 64), ' ')));
  if (command.affectedSopInstanceUid !== undefined) parts.push(element(tags.affectedSopInstanceUid, padded(command.affectedSopInstanceUid, '\0')));
  const body = Buffer.concat(parts);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length, 0);
  return Buffer.concat([element(tags.groupLength, length), body]);
}

/** The response to a request: same SOP class and instance, the request's message id, no dataset. */
export function responseTo(request: Command, commandField: number, status: number, errorComment?: string): Command {
  const response: Command = { commandField, dataSetType: noDataset, status };
  if (request.affectedSopClassUid !== undefined) response.affectedSopClassUid = request.affectedSopClassUid;
  if (request.messageId !== undefined) response.messageIdBeingRespondedTo = request.messageId;
  if (request.affectedSopInstanceUid !== undefined) response.affectedSopInstanceUid = request.affectedSopInstanceUid;
  if (errorComment !== undefined) response.errorComment = errorComment;
  return response;
}
