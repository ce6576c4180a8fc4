/**
 * A terminal cannot show a picture: a View's attachments are written to a folder (a new temporary one
 * unless given) and the terminal shows where. Names are ours, but still kept to one safe path segment.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attachment } from '../../chat/view.js';

/** Writes the files; returns one line per file saying where it is. */
export async function saveAttachments(attachments: readonly Attachment[], dir?: string): Promise<string[]> {
  if (attachments.length === 0) return [];
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'toprank-')));
  const lines: string[] = [];
  for (const file of attachments) {
    const path = join(folder, file.name.replace(/[^\w.-]+/g, '_'));
    await writeFile(path, file.data);
    lines.push(`${file.contentType === 'image/png' ? '📈' : '📄'} ${file.name} written to ${path}`);
  }
  return lines;
}
