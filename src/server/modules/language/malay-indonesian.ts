/**
 * Indonesian or Malay: close enough that short-text detectors know only one of them (eld knows
 * Malay, tinyld Indonesian) and label both with it. The words each writes and the other does not
 * (chat spelling included) tell them apart; text with none of them stays a guess.
 */
const INDONESIAN = new Set(
  (
    'tidak gak ga nggak ngga enggak udah nyampe nih dong deh aja banget kok sih mau bisa kirim ' +
    'dikirim pengiriman ongkir makasih kapan uang karena gimana gratis mobil toko ukuran kakak ' +
    'gan min sekarang cuma rusak ganti pakai pake sampe belom terus tolongin'
  ).split(' '),
);
const MALAY = new Set(
  (
    'tak dah nak boleh sikit hantar dihantar penghantaran tukar guna kos bungkusan rosak ' +
    'pulangkan sesiapa bila kereta kedai saiz percuma wang mahu kerana awak korang je ni ' +
    'macam camne betul encik cik kat'
  ).split(' '),
);

/** 'id' or 'ms' with whether the words decided it, for Latin text a detector took for either. */
export function malayOrIndonesian(text: string): { language: 'id' | 'ms'; confident: boolean } {
  let indonesian = 0;
  let malay = 0;
  for (const word of text.toLowerCase().split(/[^\p{L}]+/u)) {
    if (INDONESIAN.has(word)) indonesian += 1;
    if (MALAY.has(word)) malay += 1;
  }
  if (malay > indonesian) return { language: 'ms', confident: true };
  if (indonesian > malay) return { language: 'id', confident: true };
  // No telling words: Indonesian is by far the more written of the two.
  return { language: 'id', confident: false };
}
