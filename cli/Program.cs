using VaeOnnx.Cli;

return VaeCommandLine.Invoke(args, Console.Out, Console.Error);
