using Spectre.Console;
using Spectre.Console.Rendering;

namespace VaeOnnx.Cli.Console;

/// <summary>A progress column that shows whatever text its owner last set (figures the task's own columns do not know).</summary>
public sealed class TextColumn : ProgressColumn
{
    /// <summary>The text shown; read by Spectre's render thread, so it is replaced whole rather than edited.</summary>
    public string Text { get; set; } = "";

    /// <inheritdoc/>
    protected override bool NoWrap => true;

    /// <inheritdoc/>
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => new Text(Text);
}
