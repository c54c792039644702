package fileperm_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/socialrx/socialrx/internal/fileperm"
)

// A data file is created private, whatever the umask, in a directory
// created 0700; a file another hand opened up is named, for the host to
// warn of, and left as it is.
func Example() {
	dir, err := os.MkdirTemp("", "fileperm-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data", "messages.jsonl")
	f, err := fileperm.OpenFile(path, os.O_RDWR)
	if err != nil {
		panic(err)
	}
	f.Close()
	for _, p := range []string{filepath.Dir(path), path} {
		fi, err := os.Stat(p)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %04o\n", filepath.Base(p), fi.Mode().Perm())
	}

	if err := os.Chmod(path, 0o644); err != nil {
		panic(err)
	}
	for _, e := range fileperm.Exposed(path, path+"-missing") {
		fmt.Printf("exposed: %s %04o\n", filepath.Base(e.Path), e.Mode)
	}
	// Output:
	// data 0700
	// messages.jsonl 0600
	// exposed: messages.jsonl 0644
}
