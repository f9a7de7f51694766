import { Command } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { listTags } from '../core/organise.js';
import { renderTable } from '../util/table.js';

export class TagsCommand extends AmuxCommand {
  static override paths = [['tags']];
  static override usage = Command.Usage({
    description: 'list the tags in use and how many sessions carry each',
    examples: [
      ['Every tag', '$0 tags'],
      ['As JSON', '$0 tags --json'],
    ],
  });

  jsonOut = jsonOption('the tags');

  async run(): Promise<number> {
    const tags = await listTags(await this.core());
    if (this.jsonOut) this.json(tags);
    else if (!tags.length) this.out('no tags (add one with: amux tag SESSION TAG)');
    else this.context.stdout.write(renderTable(['TAG', 'SESSIONS', 'NAMES'], tags.map((t) => [t.tag, String(t.count), t.sessions.join(',')])));
    return 0;
  }
}

export const commands = [TagsCommand];
