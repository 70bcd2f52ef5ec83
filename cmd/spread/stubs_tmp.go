package main


var imCmd = &command{name: "im", short: "todo", usageLine: "spread im"}

