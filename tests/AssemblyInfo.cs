// TorchSharp and ONNX Runtime each run their own thread pools on a 2-core machine: running test classes in parallel only adds contention.
[assembly: DoNotParallelize]
