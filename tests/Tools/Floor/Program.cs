// The floor of a step: a Native AOT process that starts and exits, timed beside blacksmith (tests/Benchmarks hosts).
return 0;
