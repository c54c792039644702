// Command broken does not compile, so that the tests of plugintest see
// BuildPlugin fail with the compiler's output.
package main

func main() { undefined() }
