/** Does nothing until stopped: its memory is the floor every `node --import tsx` server starts from. */
setInterval(() => {}, 60_000);
