module github.com/poolsim/poolsim

go 1.26
