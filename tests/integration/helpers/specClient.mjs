// The spec's own RoomService client, extracted verbatim from ../shared/spec/ROOM_HANDLER.md.
import assert from 'node:assert/strict';

// The ```javascript block under "### RoomService Client", byte for byte.
export function extractRoomServiceSource(markdown) {
  const heading = markdown.indexOf('### RoomService Client');
  assert.ok(heading >= 0, 'the spec has a "### RoomService Client" section');
  const open = markdown.indexOf('```javascript\n', heading);
  assert.ok(open >= 0, 'the section has a javascript block');
  const start = open + '```javascript\n'.length;
  const end = markdown.indexOf('\n```', start);
  assert.ok(end > start, 'the javascript block is closed');
  return markdown.slice(start, end + 1);
}
