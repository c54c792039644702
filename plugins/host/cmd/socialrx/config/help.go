package config

import _ "embed" // Help

// Help documents every field of the config file, each with an example,
// and shows a whole config: the text of socialrx help config. A test
// fails when a field of Config is missing from it.
//
//go:embed help.txt
var Help string
