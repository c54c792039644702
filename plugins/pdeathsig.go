//go:build linux || freebsd

package plugins

import (
	"os/exec"
	"syscall"
)

// dieWithHost asks the kernel to SIGKILL the plugin process when its parent
// dies. On Linux "parent" means the OS thread that started it, which is why
// [Client] starts each plugin from a goroutine locked to a thread of its own
// (see launch); on FreeBSD it is the process.
func dieWithHost(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
