import type { Command } from 'commander';

/**
 * The end of `lenet --help`: commander lists only the commands, so a newcomer would not see that a bare
 * `lenet` trains, nor with which options. This names the default command and lists its options.
 */
export function defaultCommandHelp(program: Command, name: string): string {
  const command = program.commands.find((c) => c.name() === name);
  if (!command) return '';
  const help = command.createHelp();
  const options = help.visibleOptions(command).filter((o) => o.long !== '--help');
  const width = Math.max(...options.map((o) => help.optionTerm(o).length));
  const lines = options.map((o) => `  ${help.optionTerm(o).padEnd(width)}  ${help.optionDescription(o)}`);
  return `\nWith no command, lenet runs \`${name}\`. Its options (\`lenet ${name} --help\`):\n${lines.join('\n')}\n`;
}
