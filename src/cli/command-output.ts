/** Where a command's text goes: the process's streams, or a test's collectors. */
export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
