using System.Globalization;

namespace VaeOnnx.Contract;

/// <summary>
/// The ids <c>vae synthesize</c> writes in a table model's id columns (<see cref="TableSchema.IdColumns"/>): row k of a draw
/// (from 1) is <c>synthetic-</c> and k in at least six digits (synthetic-000001, synthetic-000002, ...). Training refuses
/// an id that starts with <see cref="Prefix"/>, so that a synthetic id never equals one of the training file's.
/// </summary>
public static class TableIds
{
    /// <summary>The prefix of every synthetic id.</summary>
    public const string Prefix = "synthetic-";

    /// <summary>The synthetic id of row <paramref name="index"/> (0-based) of a draw.</summary>
    public static string Synthetic(int index) => Prefix + (index + 1L).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="id"/> is spelled like a synthetic id, so that it could collide with one.</summary>
    public static bool IsSyntheticSpelling(string id) => id.StartsWith(Prefix, StringComparison.Ordinal);
}
