using CsCheck;

namespace VaeOnnx.Tests.Reliability;

/// <summary>One way to damage a file: the kind of damage, where, and with what.</summary>
/// <param name="Kind">0 truncate, 1 flip a bit, 2 overwrite bytes, 3 insert bytes, 4 replace with random bytes, 5 overwrite 4 header bytes with a huge number.</param>
/// <param name="Position">Relative position in the file, 0..1.</param>
/// <param name="Bytes">Bytes written, inserted or used as randomness.</param>
internal sealed record Corruption(int Kind, double Position, byte[] Bytes) : IFileDamage
{
    public static readonly Gen<Corruption> Gen =
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, 5], CsCheck.Gen.Double[0, 1], CsCheck.Gen.Byte.Array[1, 16],
            (kind, position, bytes) => new Corruption(kind, position, bytes));

    public byte[] Apply(byte[] valid)
    {
        int at = Math.Min(valid.Length - 1, (int)(Position * valid.Length));
        switch (Kind)
        {
            case 0:
                return valid[..at];
            case 1:
            {
                var copy = valid.ToArray();
                copy[at] ^= (byte)(1 << (Bytes[0] % 8));
                return copy;
            }
            case 2:
            {
                var copy = valid.ToArray();
                for (int i = 0; i < Bytes.Length && at + i < copy.Length; i++) copy[at + i] = Bytes[i];
                return copy;
            }
            case 3:
                return [.. valid[..at], .. Bytes, .. valid[at..]];
            case 4:
            {
                var random = new Random(BitConverter.ToInt32([.. Bytes, 0, 0, 0, 0], 0));
                var noise = new byte[Math.Max(1, (int)(Position * valid.Length))];
                random.NextBytes(noise);
                return noise;
            }
            default:
            {
                var copy = valid.ToArray();
                for (int i = 0; i < 4 && at + i < copy.Length; i++) copy[at + i] = (byte)(i == 0 ? 0x7f : 0xff);
                return copy;
            }
        }
    }

    public override string ToString() => $"{new[] { "truncate", "flip", "overwrite", "insert", "random", "huge" }[Kind]} at {Position:F4} with [{Convert.ToHexString(Bytes)}]";
}
