namespace VaeOnnx.Tests.Reliability;

/// <summary>One way to damage a valid file, drawn by a CsCheck generator.</summary>
internal interface IFileDamage
{
    /// <summary>The damaged copy of <paramref name="valid"/>.</summary>
    byte[] Apply(byte[] valid);
}
