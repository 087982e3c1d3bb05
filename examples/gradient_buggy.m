% gradient.m with a mistake, for teaching: the factor 2 of the square's derivative is dropped.
% Gradient Lens names it: "drop-factor-two".
args = argv();
args = args(end-3:end); % Octave lists its own options first
R = dlmread(args{1}, ',');
P = dlmread(args{2}, ',');
gamma = dlmread(args{3}, ',');
M = P .* (gamma * gamma') - R;
G = (P .* M + (P .* M)') * gamma;   % should be 2 * (...)
dlmwrite(args{4}, G, 'delimiter', ',', 'precision', 17);
