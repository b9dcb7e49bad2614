/** A short two-note chime made on the spot with Web Audio: no sound file to ship. */
const NOTES_HZ = [880, 1318.5];
const NOTE_GAP_S = 0.12;
const NOTE_LENGTH_S = 0.3;
const PEAK_GAIN = 0.18;

let context: AudioContext | null = null;

/** Creates or resumes the audio context; browsers only allow that during a user gesture. */
export function prepareChime(): void {
  context ??= new AudioContext();
  if (context.state === 'suspended') void context.resume();
}

export function playChime(): void {
  const audio = context;
  if (audio?.state !== 'running') return;
  const start = audio.currentTime;
  NOTES_HZ.forEach((frequency, index) => {
    const at = start + index * NOTE_GAP_S;
    const oscillator = new OscillatorNode(audio, { type: 'sine', frequency });
    const envelope = new GainNode(audio, { gain: 0.0001 });
    envelope.gain.exponentialRampToValueAtTime(PEAK_GAIN, at + 0.02);
    envelope.gain.exponentialRampToValueAtTime(0.0001, at + NOTE_LENGTH_S);
    oscillator.connect(envelope).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + NOTE_LENGTH_S);
  });
}
