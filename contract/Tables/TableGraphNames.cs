namespace VaeOnnx.Contract;

/// <summary>The names of a table pair's own values; a table column may not take one of them, since columns name the graphs' typed inputs and outputs.</summary>
public static class TableGraphNames
{
    /// <summary>Encoder output: posterior mean [N, L].</summary>
    public const string Mu = "mu";
    /// <summary>Encoder output: posterior log-variance [N, L].</summary>
    public const string LogVar = "logvar";
    /// <summary>Encoder output: the features [N, D] the network saw.</summary>
    public const string Features = "features";
    /// <summary>Encoder output [N, C]: 1 where a cell's value term counts.</summary>
    public const string Observed = "observed";
    /// <summary>Encoder output [N, C]: 1 where a cell holds a value the training rows never had.</summary>
    public const string Unknown = "unknown";
    /// <summary>Decoder input [N, L].</summary>
    public const string Z = "z";
    /// <summary>Decoder output [N, D]: each feature's likelihood parameters.</summary>
    public const string XHat = "x_hat";

    /// <summary>Decoder output [N, D]: the decoder network's raw output (logits of categories, flags and indicators; standardised means of numbers), which scores compute from.</summary>
    public const string Logits = "logits";

    /// <summary>
    /// Conditional table pairs: the name of the one-hot condition input c [N, K] of both graphs: "c", or, when a table
    /// column already takes that name, "c" followed by as many underscores as make it free (the metadata records the name).
    /// </summary>
    public static string ConditionInput(IEnumerable<string> columnNames)
    {
        var taken = new HashSet<string>(columnNames, StringComparer.Ordinal);
        var name = VaeOnnx.Contract.ConditionInput.DefaultInput;
        while (taken.Contains(name) || Reserved.Contains(name)) name += "_";
        return name;
    }

    /// <summary>Every reserved name.</summary>
    public static IReadOnlyList<string> Reserved { get; } = [Mu, LogVar, Features, Observed, Unknown, Z, XHat, Logits];
}
