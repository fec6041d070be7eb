package app

import (
	"fmt"
	"maps"
	"slices"

	"github.com/poolsim/poolsim/sqla"
)

// BuiltinPoolclasses are the pool designs scenario files name: SQLAlchemy's
// five and the pid-check recipe (a QueuePool with its event handlers).
var BuiltinPoolclasses = []string{"QueuePool", "NullPool", "StaticPool", "SingletonThreadPool", "AssertionPool", "PIDCheck"}

// ownPoolclasses are the designs registered with RegisterPoolclass.
var ownPoolclasses = map[string]sqla.PoolClass{} // lookup only

// RegisterPoolclass makes a pool design of one's own available to
// scenario files as poolclass = name (and to create_engine(poolclass=name)
// hooks): engines are created with create_engine(poolclass=pc). Register
// before loading the scenarios that use it; registering a name again
// replaces the design, and a built-in name panics.
func RegisterPoolclass(name string, pc sqla.PoolClass) {
	if slices.Contains(BuiltinPoolclasses, name) {
		panic(fmt.Sprintf("app: poolclass %s is built in", name))
	}
	ownPoolclasses[name] = pc
}

// Poolclasses returns the built-in pool designs, then the registered ones
// in name order.
func Poolclasses() []string {
	return append(slices.Clone(BuiltinPoolclasses), slices.Sorted(maps.Keys(ownPoolclasses))...)
}
