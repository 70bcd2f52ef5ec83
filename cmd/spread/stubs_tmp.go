package main

var demoCmd = &command{name: "demo", short: "todo"}

var imCmd = &command{name: "im", short: "todo", usageLine: "spread im"}

var icLearnCmd = &command{name: "learn", short: "todo"}
