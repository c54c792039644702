package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStory(t *testing.T) {
	var b strings.Builder
	run(&b)
	out := b.String()
	assert.Contains(t, out, "Triage: level 2")
	assert.Contains(t, out, "Suggested: Tuesday Gardening Club")
	assert.Contains(t, out, "The club sees: Peggy, phone 020 7946 0018")
	assert.Contains(t, out, "swemwbs metric")
	assert.NotContains(t, out, "9434765919")
}
