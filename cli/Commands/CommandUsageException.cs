namespace VaeOnnx.Cli.Commands;

/// <summary>An option value that parses but does not make sense (e.g. --resume without a checkpoint); exit code 2.</summary>
public sealed class CommandUsageException(string message) : Exception(message);
