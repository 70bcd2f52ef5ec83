package main

var demoCmd = &command{name: "demo", short: "todo"}
var icCmd = &command{name: "ic", short: "todo", usageLine: "spread ic <command>"}
var imCmd = &command{name: "im", short: "todo", usageLine: "spread im"}
