package slicer

import "github.com/spread-dev/spread/train"

// Stage is the record of learning with a fixed number of replicas: the
// train.Trace of its loop (iterations, status, objective history) and R.
type Stage struct {
	// Replicas is R of this stage.
	Replicas int `json:"replicas"`
	train.Trace
}

// Result is the outcome of Learn or Resume.
type Result struct {
	// Theta holds the learned parameters, Replicas·P entries, replica-major
	// (replica r at [r·P, (r+1)·P), P = g.NumPairs(); see models/ic for the
	// layout). On a Failure it is the last iterate with a finite objective.
	Theta []float64
	// Replicas is R of the last stage run.
	Replicas int
	// Objective is O(Theta) (the mixture objective for R > 1).
	Objective float64
	// Iters is the total number of iterations over all stages.
	Iters int
	// Status is the status of the last stage.
	Status train.Status
	// Stages holds one entry per stage, R = 1, 2, …: per-stage objectives
	// and histories.
	Stages []Stage
	Stats  train.Stats
	// Init is the α every edge started from in stage 1: Config.Init, or the
	// fitted constant of FitConstant with Config.InitFit (Resume fits it
	// again, which gives the same number).
	Init float64
}
