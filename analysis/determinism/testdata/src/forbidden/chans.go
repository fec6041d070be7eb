package forbidden

func channels(in <-chan int, out chan<- int, done chan struct{}) int {
	ch := make(chan int, 1) // want `^make\(chan\): code under simulation must block on sim primitives .* //poolsim:allow chan -- <justification>\)$`
	ch <- 1                 // want `channel send`
	v := <-ch               // want `channel receive`
	<-done                  // want `channel receive`
	if w, ok := <-in; ok {  // want `channel receive`
		v += w
	}
	select { // want `select statement`
	case out <- v:
	case w := <-in:
		v = w
	case <-done:
	default:
	}
	for w := range in { // want `range over a channel`
		v += w
	}
	close(ch) // want `close of a channel`
	return v
}

// Mailbox is a named channel type; operations on it are channel operations.
type Mailbox chan string

func mailbox() string {
	m := make(Mailbox) // want `make\(chan\)`
	return <-m         // want `channel receive`
}

// drain ranges over a type parameter whose types are channels.
func drain[C ~chan int](c C) (n int) {
	for range c { // want `range over a channel`
		n++
	}
	return n
}
