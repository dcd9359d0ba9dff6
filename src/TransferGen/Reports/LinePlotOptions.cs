namespace TransferGen.Reports;

/// <summary>Titles, axis kinds and size for <see cref="LinePlot"/>.</summary>
public sealed record LinePlotOptions
{
    /// <summary>Title above the plot (none when null).</summary>
    public string? Title { get; init; }

    /// <summary>X axis label (none when null).</summary>
    public string? XLabel { get; init; }

    /// <summary>Y axis label (none when null).</summary>
    public string? YLabel { get; init; }

    /// <summary>Logarithmic x axis (for loss vs learning rate); points with x ≤ 0 are skipped.</summary>
    public bool LogX { get; init; }

    /// <summary>Logarithmic y axis; points with y ≤ 0 are skipped.</summary>
    public bool LogY { get; init; }

    /// <summary>Draw a marker at every point (useful when there are few, e.g. per-epoch figures).</summary>
    public bool Markers { get; init; } = true;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 800;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 500;
}
