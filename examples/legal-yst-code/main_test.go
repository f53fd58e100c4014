package main

import (
	"testing"

	"github.com/zsdata/digitalspace/examples/internal/demo"
)

func TestRun(t *testing.T) { demo.TestRun(t, run) }
