// Offsets at the edge: the browser counts UTF-16 code units, Wenfang counts Unicode code
// points (STYLE 25). 𠮷 or an emoji is one code point but two UTF-16 units.

// Code-point offset → UTF-16 offset in `text`.
export function codePointToUtf16(text, cp) {
  let units = 0;
  let index = 0;
  for (const ch of text) {
    if (index === cp) break;
    units += ch.length;
    index += 1;
  }
  return units;
}

// UTF-16 offset → code-point offset; an offset inside a surrogate pair moves past the pair
// when `roundUp` (end of a selection), before it otherwise.
export function utf16ToCodePoint(text, units, roundUp = false) {
  let seen = 0;
  let index = 0;
  for (const ch of text) {
    if (seen >= units) return index;
    if (seen + ch.length > units) return roundUp ? index + 1 : index;
    seen += ch.length;
    index += 1;
  }
  return index;
}

// Half-open [start, end) code-point slice of `text`.
export function sliceCodePoints(text, start, end) {
  return Array.from(text).slice(start, end).join("");
}
