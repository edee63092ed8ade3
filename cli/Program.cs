using System.CommandLine;

var root = new RootCommand("vae: train variational autoencoders in C#, export them to ONNX, score them through ML.NET.");
return root.Parse(args).Invoke();
