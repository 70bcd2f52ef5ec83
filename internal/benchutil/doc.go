// Package benchutil holds small helpers shared by the benchmarks of several
// packages: the process CPU time (user + system, all threads), which a
// loaded machine inflates much less than wall time, and a reporter of CPU
// time per benchmark iteration.
//
// CPUTime reads getrusage(RUSAGE_SELF) on unix systems; elsewhere it
// returns 0, so metrics derived from it read 0 there.
package benchutil
