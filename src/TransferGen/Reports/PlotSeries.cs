namespace TransferGen.Reports;

/// <summary>One named line of a <see cref="LinePlot"/>: points (X[i], Y[i]). Non-finite points are skipped when drawn.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">X values (e.g. epochs or learning rates).</param>
/// <param name="Y">Y values, as many as <paramref name="X"/>.</param>
public sealed record PlotSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);
