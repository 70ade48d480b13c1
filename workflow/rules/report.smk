# Stage 5: the rendered report (results/report/index.html).
