namespace VaeOnnx.Contract;

/// <summary>
/// One image as a model takes it: channels, height and width, flattened row-major in <see cref="Layout"/> into a row of
/// <see cref="Values"/> floats. Pictures and image files are converted through <see cref="Index"/>, so an NHWC model and
/// an NCHW model see the same picture the same way.
/// </summary>
/// <param name="Channels">C (1 for greyscale, 3 for RGB).</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="Layout"><see cref="InputLayout.Nchw"/> or <see cref="InputLayout.Nhwc"/>.</param>
public sealed record ImageShape(int Channels, int Height, int Width, InputLayout Layout)
{
    /// <summary>Values per image, C·H·W.</summary>
    public int Values => Channels * Height * Width;

    /// <summary>Where channel <paramref name="channel"/> of pixel (<paramref name="y"/>, <paramref name="x"/>) sits in a flattened row.</summary>
    public int Index(int channel, int y, int x) => Layout == InputLayout.Nhwc
        ? (y * Width + x) * Channels + channel
        : (channel * Height + y) * Width + x;

    /// <summary>The shape of one image in its layout: [C, H, W] or [H, W, C].</summary>
    public int[] Dims => Layout == InputLayout.Nhwc ? [Height, Width, Channels] : [Channels, Height, Width];

    /// <summary>E.g. "1x28x28 (nchw)".</summary>
    public override string ToString() => $"{string.Join("x", Dims)} ({EnumText.Of(Layout)})";
}
