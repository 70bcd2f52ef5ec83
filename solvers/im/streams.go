package im

// Stream numbers (diffusion.NewStream) keep the worlds of different uses
// independent under one seed: the MC oracle's run r, IMM's RR set j and
// IMM's fresh phase-2 RR set j are different worlds even when r = j.
const (
	streamMC  uint64 = 0x6d63 // "mc"
	streamRR  uint64 = 0x7272 // "rr"
	streamRR2 uint64 = 0x7232 // "r2"
)
