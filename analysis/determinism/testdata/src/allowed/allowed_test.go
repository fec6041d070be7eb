package allowed

import (
	"sync"
	"testing"
	"time"
)

// Test files are not checked: none of these is reported.
func TestUnchecked(t *testing.T) {
	var wg sync.WaitGroup
	ch := make(chan int)
	wg.Add(1)
	go func() { defer wg.Done(); ch <- 1 }()
	<-ch
	wg.Wait()
	time.Sleep(time.Nanosecond)
	for range map[int]int{1: 1} {
	}
}
